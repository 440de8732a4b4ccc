// The facts rules may ask for. Rules import analyses only through this index
// (test/boundaries.test.ts checks it); each group says what it answers.

// Names: what an expression refers to, through bindings, imports and re-exports.
export { lookup } from './scope.js';
export { refKey, resolveExpression, unwrapExpression, type Ref } from './resolve.js';
export { constantValue, hostInCode, importedName, isRelativeUrl } from './constants.js';
export { blockingCost } from './blocking-catalog.js';

// Data flow: what a statement reads, writes and mutates; awaits and loops.
export {
  canExitLoop,
  directAwaits,
  flowOf,
  hasJump,
  intersects,
  isLoop,
  isReferenceIdentifier,
  mergedInto,
  mutableArguments,
  rootVar,
  type Flow,
  type VarKey,
} from './dataflow.js';

// Calls: which receiver orders them, what state they share, what an awaited call is.
export {
  awaitedCall,
  calleeMutatesArgument,
  callShape,
  capturedState,
  isCheapAggregate,
  isCheapLocalCallee,
  isDetachedCall,
  readsByName,
  unusedResult,
  sharedStateArgs,
  thisStateTouchedBy,
  type CallShape,
} from './call-shape.js';
export { transactionParam } from './transactions.js';
/** CPU work: heavy synchronous calls and their data's size, branching recursion, nested scans, per-item work in loops. */
export {
  branchingRecursion,
  heavyCall,
  inputValue,
  iterationOf,
  loopYields,
  parameterOf,
  perItemCpuWork,
  quadraticScan,
  sizedData,
  type Iteration,
  type Sized,
} from './cpu-work.js';
/** Regular expressions: calls that run one over a string, and whether it backtracks super-linearly. */
export { regexCall, superLinear, type Backtracking } from './regex.js';
/** Promises: calls that return one, where a function's promise can reject from, listeners whose promise EventEmitter drops, async route handlers. */
export { asyncListener, asyncRouteHandlers, handlesRejections, isPromiseApi, rejectionPoints } from './promises.js';
/** Latency: is an awaited call slow (another service, an aggregating query) rather than a round trip. */
export { callWaits, slowCall, type Waits } from './latency.js';

// Collections: how big what a fan-out iterates can get (and why it is bounded), where it comes from, and what each item costs.
export { collectionBound, type Bound, type BoundReason } from './collections/bound.js';
export { collectionOrigin, describeQueryOrigin, type Origin, type OriginTrace } from './collections/origin.js';
export { perItemCost, perItemSizing } from './collections/cost.js';
export { describe } from './collections/names.js';
export { catchesAll, droppedFanOut, fanOutOf, isCallbackLike, pMapFix, producesPromise, type CallNode, type DroppedFanOut, type FanOut } from './collections/fan-out.js';
export { heavyWork, projectCalls, isDescriptorWork, perItemIO } from './collections/per-item.js';
export { limiterIn, optionIsFinite, type LimitVerdict } from './collections/limiter.js';
export { runsInTransaction } from './collections/transaction.js';

// Timeouts: whether options, a race against a timer, or a later setting bound a call.
export { optionsCover, racedAgainstTimer, timeoutSetLater, type Coverage } from './timeouts.js';
// Which timeout client a call reaches (through `promisify` too), how its options cover a deadline, superagent chains, instance defaults, bundled assets.
export { callCoverage, chainedMethodNames, instanceDefaultsSet, isBundledAsset, timeoutClientKey } from './timeouts.js';

// Effects that do not depend on where code runs.
export { busyWaitClock } from './busy-wait.js';
export { isLazyInit } from './lazy-init.js';

// Loops: why a loop's awaits run in order on purpose, as await-in-loop's exemption ids.
/** By the loop's shape: endless, an awaited condition, or an early exit (retry, search). */
export { sequentialLoop, type LoopNode, type SequentialLoop } from './loop-order.js';
/** By the awaited calls: pacing, backpressure, writes through one receiver, pipelines, shared sessions or state, batches… */
export { orderedLoopWork, type OrderedWork } from './loop-order.js';
/** By the data flow between iterations: cursors, accumulators, shared state, merges, offset pagination. */
export { iterationDependence, type IterationDependence } from './loop-dependence.js';

// Await order: the steps of a run of awaits in one block, and why a later one waits for an earlier one.
export {
  awaitStep,
  betweenOf,
  dependence,
  independentLayers,
  methodReceivers,
  otherAwaitedCalls,
  promiseAllFix,
  quoteCall,
  resultUnused,
  runBarrier,
  type AwaitStep,
  type Between,
  type Dependence,
} from './await-order.js';

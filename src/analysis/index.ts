// The facts rules may ask for. Rules import analyses only through this index
// (test/boundaries.test.ts checks it); each group says what it answers.

// Names: what an expression refers to, through bindings, imports and re-exports.
export { lookup } from './scope.js';
export { refKey, resolveExpression, unwrapExpression, type Ref } from './resolve.js';
export { constantValue } from './constants.js';

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
  sharedStateArgs,
  thisStateTouchedBy,
  type CallShape,
} from './call-shape.js';
export { transactionParam } from './transactions.js';

// Collections: how big what a fan-out iterates can get, and what each item costs.
export {
  collectionBound,
  collectionOrigin,
  describe,
  describeQueryOrigin,
  heavyWork,
  isDescriptorWork,
  limiterIn,
  optionIsFinite,
  perItemIO,
  runsInTransaction,
  type OriginTrace,
} from './collections.js';

// Timeouts: whether options, a race against a timer, or a later setting bound a call.
export { optionsCover, racedAgainstTimer, timeoutSetLater, type Coverage } from './timeouts.js';
// Which timeout client a call reaches (through `promisify` too), how its options cover a deadline, superagent chains, instance defaults, bundled assets.
export { callCoverage, chainedMethodNames, instanceDefaultsSet, isBundledAsset, timeoutClientKey } from './timeouts.js';

// Effects that do not depend on where code runs.
export { busyWaitClock } from './busy-wait.js';
export { isLazyInit } from './lazy-init.js';

// Await order: the steps of a run of awaits in one block, and why a later one waits for an earlier one.
export {
  awaitStep,
  betweenOf,
  dependence,
  methodReceivers,
  promiseAllFix,
  quoteCall,
  resultUnused,
  runBarrier,
  type AwaitStep,
  type Between,
  type Dependence,
} from './await-order.js';

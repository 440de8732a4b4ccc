// Worker thread entry: rebuild the settings from plain data, then analyze the
// batches of files the main thread sends.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeOne } from './pool.js';
import { buildSettingsFromSpec, type SettingsSpec } from './settings.js';
import type { AnalyzeInput } from '../engine/analyze-file.js';

const settings = buildSettingsFromSpec((workerData as { spec: SettingsSpec }).spec);

parentPort!.on('message', (msg: { id: number; inputs: AnalyzeInput[] }) => {
  parentPort!.postMessage({ id: msg.id, results: msg.inputs.map((input) => analyzeOne(input, settings)) });
});

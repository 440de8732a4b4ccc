// Reading a source file: size limit and binary sniffing happen before parsing.
import fs from 'node:fs';

const BINARY_SNIFF_BYTES = 8000;

export type ReadOutcome = { source: string } | { skip: string } | { error: string };

export function readSource(abs: string, maxBytes: number, maxKb: number): ReadOutcome {
  let buf: Buffer;
  try {
    const size = fs.statSync(abs).size;
    if (size > maxBytes) {
      return { skip: `${formatSize(size)}, over the ${maxKb} KB limit (raise "maxFileSizeKb" in the config to analyze it)` };
    }
    buf = fs.readFileSync(abs);
  } catch (err) {
    return { error: `cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  const sniff = buf.subarray(0, BINARY_SNIFF_BYTES);
  if (sniff.includes(0)) return { skip: 'binary file (contains NUL bytes)' };
  let source = buf.toString('utf8');
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  return { source };
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Text given in place of a file (an editor buffer, standard input): the same size limit, and a byte-order mark dropped. */
export function overlaySource(text: string, maxBytes: number, maxKb: number): ReadOutcome {
  const size = Buffer.byteLength(text);
  if (size > maxBytes) return { skip: `${formatSize(size)}, over the ${maxKb} KB limit (raise "maxFileSizeKb" in the config to analyze it)` };
  return { source: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/**
 * The `--input` of the commands that read a file (analyze, forecast, import): a path, or `-` for
 * standard input, and one wording for a file that cannot be read ("data.csv: no such file").
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';

/** The `--input` value that means standard input. */
export const STDIN_INPUT = '-';

/** A file that cannot be read; the message is one sentence naming the file and the reason. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

/** How messages name `input`: the path, or "standard input". */
export function inputName(input: string): string {
  return input === STDIN_INPUT ? 'standard input' : input;
}

/** The reason of a failed read in words (ENOENT → "no such file"); the system message otherwise. */
export function fileProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return e.message;
  }
}

function readError(input: string, err: unknown): InputFileError {
  return new InputFileError(`${inputName(input)}: ${fileProblem(err)}`);
}

/** Throws {@link InputFileError} unless `input` is standard input or a readable regular file. */
export async function checkInput(input: string): Promise<void> {
  if (input === STDIN_INPUT) return;
  const info = await stat(input).catch((err: unknown) => {
    throw readError(input, err);
  });
  if (info.isDirectory()) throw new InputFileError(`${input}: is a directory, not a file`);
}

/** The whole of `input` as UTF-8 text. @throws InputFileError */
export async function readInputText(input: string, stdin: Readable = process.stdin): Promise<string> {
  if (input === STDIN_INPUT) return text(stdin);
  return readFile(input, 'utf8').catch((err: unknown) => {
    throw readError(input, err);
  });
}

/** A stream of `input`'s bytes, once {@link checkInput} has passed. @throws InputFileError */
export async function openInput(input: string, stdin: Readable = process.stdin): Promise<Readable> {
  await checkInput(input);
  return input === STDIN_INPUT ? stdin : createReadStream(input);
}

/** The size in bytes of `input`, or undefined for standard input (unknown until read). */
export async function inputSize(input: string): Promise<number | undefined> {
  if (input === STDIN_INPUT) return undefined;
  return (await stat(input)).size;
}

/**
 * Label matchers written the Prometheus way: `key="value"`, `key!="value"`,
 * `key=~"regex"`, `key!~"regex"`, quotes optional, one per `match` parameter
 * or several in a selector `{a="1", b=~"x.*"}`. Regular expressions are
 * anchored at both ends by storage, as in Prometheus, and are checked here so
 * a bad one is refused with the parameter named instead of failing in SQL.
 */
import { matcherRegexProblem, type LabelMatcher, type MatchOp } from '@hydra/storage';
import { Errors } from '@hydra/contract';

/** Label names: OTel attribute keys (dots, slashes, dashes) as well as Prometheus names. */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.\-/:]*/;
const OPERATORS: readonly MatchOp[] = ['=~', '!~', '!=', '='];

/**
 * Parses every `match` value into matchers.
 *
 * @param param the query parameter's name, for error messages
 * @throws ApiError invalid_parameter naming the parameter, the text and what is wrong
 */
export function parseMatchers(param: string, inputs: readonly string[], maxRegexLength: number): LabelMatcher[] {
  const out: LabelMatcher[] = [];
  for (const input of inputs) out.push(...parseSelector(param, input, maxRegexLength));
  return out;
}

function parseSelector(param: string, input: string, maxRegexLength: number): LabelMatcher[] {
  let text = input.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}'))
      throw Errors.invalidParameter(param, "selector opened with '{' is not closed with '}'", input);
    text = text.slice(1, -1);
  }
  const matchers: LabelMatcher[] = [];
  let pos = 0;
  const fail = (reason: string) => Errors.invalidParameter(param, `${reason} (at character ${pos + 1})`, input);
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++;
  };

  skipSpace();
  if (pos === text.length) throw Errors.invalidParameter(param, 'matcher is empty; expected key="value"', input);
  while (pos < text.length) {
    skipSpace();
    const name = LABEL_NAME.exec(text.slice(pos))?.[0];
    if (!name) throw fail('expected a label name');
    pos += name.length;
    skipSpace();
    const op = OPERATORS.find((o) => text.startsWith(o, pos));
    if (!op) throw fail(`expected one of ${OPERATORS.join(' ')} after '${name}'`);
    pos += op.length;
    skipSpace();
    let value: string;
    const quote = text[pos];
    if (quote === '"' || quote === "'") {
      const parsed = readQuoted(text, pos);
      if (!parsed) throw fail(`value of '${name}' has no closing ${quote}`);
      value = parsed.value;
      pos = parsed.end;
    } else {
      const end = text.indexOf(',', pos);
      value = text.slice(pos, end === -1 ? text.length : end).trim();
      pos = end === -1 ? text.length : end;
    }
    if (op === '=~' || op === '!~') checkRegex(param, input, name, value, maxRegexLength);
    matchers.push({ name, op, value });
    skipSpace();
    if (pos < text.length) {
      if (text[pos] !== ',') throw fail("expected ',' between matchers");
      pos++;
      skipSpace();
    }
  }
  return matchers;
}

/** Reads a quoted string starting at `start`; `\"`, `\'` and `\\` are unescaped, other backslashes kept (regex escapes). */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text[start];
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1] as string;
      value += next === quote || next === '\\' ? next : `\\${next}`;
      i++;
    } else if (c === quote) {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  return undefined;
}

function checkRegex(param: string, input: string, name: string, pattern: string, maxLength: number): void {
  if (pattern.length > maxLength) {
    throw Errors.invalidParameter(
      param,
      `regular expression for '${name}' is longer than ${maxLength} characters`,
      input,
    );
  }
  const problem = matcherRegexProblem(pattern);
  if (problem) throw Errors.invalidParameter(param, `regular expression for '${name}' is invalid: ${problem}`, input);
}

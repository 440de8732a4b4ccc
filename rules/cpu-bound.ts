import { collectionOrigin, regexCall, superLinear, type CallNode } from '../src/analysis/index.js';
import { defineRule, type NodePath } from '../src/engine/rule-api.js';

export default defineRule<'catastrophicRegex'>({
  id: 'cpu-bound',
  category: 'blocking',
  severity: 'warn',
  description: 'CPU-heavy synchronous work on request-sized data where the process serves requests, such as a backtracking regex over input',
  messages: {
    catastrophicRegex: {
      message:
        '`{regex}` backtracks {growth} in the length of `{subject}` (request input) {where}: a crafted string holds the event loop for seconds, ' +
        'freezing every other request ({part} can match the same text in more than one way)',
      help: 'Rewrite `{part}` so each character can match only one way (or use a linear engine such as re2), and cap the input length before matching',
    },
  },
  docs: {
    why:
      'JavaScript runs a regular expression on the event loop thread, synchronously. A pattern whose quantifiers can match the same text in more than one way ' +
      'backtracks exponentially (nested quantifiers, `(a+)+`) or polynomially (adjacent overlapping ones) on a string that almost matches: ' +
      'a few kilobytes of input from a client hold the thread for seconds or minutes, and no other request is served meanwhile (ReDoS).',
    details: [
      'A regex literal, or a `const` bound to one, run over a string with `test`/`exec`, or passed to `match`/`matchAll`/`replace`/`replaceAll`/`split`/`search`.',
      "The string is request input: a path into the request (`req.body.name`, `ctx.request.query.q`), a handler's input parameter " +
        "(`@Body() dto`, a tRPC `input`, a GraphQL resolver's `args`), or a variable holding one.",
      'The backtracking judgement is scslre (on regexpp), the analysis behind eslint-plugin-regexp: it names the part of the pattern that matches ambiguously.',
      'Not reported: a safe pattern over input, a dangerous pattern over constants or configuration, and code that is not serving requests (startup, scripts, tests, browser code).',
    ],
    bad: [
      "import express from 'express';\nconst app = express();\napp.post('/signup', (req, res) => {\n" +
        '  const ok = ' +
        '/^([a-zA-Z0-9]+\\s?)*$/.test(req.body.name);\n  res.json({ ok });\n});\n',
    ],
    good: [
      "import express from 'express';\nconst app = express();\napp.post('/signup', (req, res) => {\n" +
        '  const name = String(req.body.name).slice(0, 100);\n  const ok = ' +
        '/^[a-zA-Z0-9]+(?: [a-zA-Z0-9]+)*$/.test(name);\n  res.json({ ok });\n});\n',
    ],
    whenNotToUse:
      'When the input is length-limited before it reaches the pattern in a way loopguard cannot see (a schema with a small `maxLength`), suppress it with the limit as the reason.',
  },
  create(ctx) {
    const check = (path: NodePath<CallNode>) => {
      const found = regexCall(path);
      if (!found || !ctx.isHot(path) || collectionOrigin(found.subject) !== 'input') return;
      const backtracks = superLinear(found.regex.pattern, found.regex.flags);
      if (!backtracks) return;
      const where = ctx.context(path);
      ctx.report(
        path.node,
        'catastrophicRegex',
        {
          regex: found.regex.text,
          subject: ctx.source(found.subject.node).slice(0, 60),
          growth: backtracks.exponential ? 'exponentially' : 'polynomially',
          part: `\`${backtracks.part}\``,
          where: where.description,
        },
        { runsIn: where, cost: 'heavy' },
      );
    };
    return { CallExpression: check, OptionalCallExpression: check };
  },
});

#!/usr/bin/env node
// `npm test`: every check, in order, with a summary table. Lint, type-check, unit tests (jest),
// kernel tests (Debian's jupyter_client and jupyter_kernel_test against the real kernel), and
// browser tests (Playwright on Debian's chromium against the embedded JupyterLab).
// `npm test -- unit kernel` runs only the named steps.
import { spawn } from 'node:child_process';
import { ROOT } from './setup.mjs';

const STEPS = [
  { name: 'lint', cmd: 'npx', args: ['eslint', '.'], count: () => null },
  { name: 'format', cmd: 'npx', args: ['prettier', '--check', '.'], count: () => null },
  { name: 'typecheck', cmd: 'npm', args: ['run', '--silent', 'typecheck'], count: () => null },
  { name: 'unit', cmd: 'npx', args: ['jest', '--ci'], count: jestCounts },
  { name: 'kernel', cmd: 'npm', args: ['run', '--silent', 'test:kernel'], count: unittestCounts },
  { name: 'browser', cmd: 'npm', args: ['run', '--silent', 'test:ui'], count: playwrightCounts }
];

function jestCounts(out) {
  const m = out.match(/^Tests:\s+(.*)$/m);
  if (!m) return null;
  const num = re => Number((m[1].match(re) || [0, 0])[1]);
  return {
    passed: num(/(\d+) passed/),
    failed: num(/(\d+) failed/),
    skipped: num(/(\d+) skipped/)
  };
}

function unittestCounts(out) {
  const ran = out.match(/^Ran (\d+) tests?/m);
  if (!ran) return null;
  const total = Number(ran[1]);
  const num = re => Number((out.match(re) || [0, 0])[1]);
  const failed = num(/failures=(\d+)/) + num(/errors=(\d+)/);
  const skipped = num(/skipped=(\d+)/);
  return { passed: total - failed - skipped, failed, skipped };
}

function playwrightCounts(out) {
  const num = re => Number((out.match(re) || [0, 0])[1]);
  const passed = num(/^\s*(\d+) passed/m);
  const failed = num(/^\s*(\d+) failed/m) + num(/^\s*(\d+) flaky/m);
  if (!passed && !failed) return null;
  return { passed, failed, skipped: num(/^\s*(\d+) skipped/m) };
}

function runStep(step) {
  return new Promise(resolve => {
    const started = Date.now();
    console.log(`\n===== ${step.name}: ${step.cmd} ${step.args.join(' ')}`);
    const child = spawn(step.cmd, step.args, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' }
    });
    let out = '';
    const collect = stream => chunk => {
      out += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', collect(process.stdout));
    child.stderr.on('data', collect(process.stderr));
    child.on('close', code => {
      const seconds = (Date.now() - started) / 1000;
      const counts = step.count(out) ?? {
        passed: code === 0 ? 1 : 0,
        failed: code === 0 ? 0 : 1,
        skipped: 0
      };
      // A runner that exits non-zero has failed even if it counted no failing test.
      if (code !== 0 && counts.failed === 0) counts.failed = 1;
      resolve({ name: step.name, ok: code === 0, seconds, ...counts });
    });
  });
}

const only = process.argv.slice(2);
const steps = only.length ? STEPS.filter(s => only.includes(s.name)) : STEPS;
const results = [];
for (const step of steps) results.push(await runStep(step));

console.log('\n===== summary');
console.log('step        result   passed  failed  skipped   seconds');
for (const r of results) {
  console.log(
    `${r.name.padEnd(11)} ${(r.ok ? 'ok' : 'FAILED').padEnd(8)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped ?? 0).padStart(7)}  ${r.seconds.toFixed(1).padStart(8)}`
  );
}
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
const skipped = results.reduce((a, r) => a + (r.skipped ?? 0), 0);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(results.every(r => r.ok) ? 0 : 1);

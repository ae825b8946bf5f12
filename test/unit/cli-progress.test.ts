// The CLI's progress line (issue 17 point 9) on a fake clock: nothing for a run under a second,
// plain lines off a TTY (one per step where there are several, a heartbeat while a step runs),
// one redrawn line on a TTY, and time left from the work measured so far.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, Progress } from '../../src/cli/progress.js';

function setup(isTTY: boolean, steps: number, totalMacs = 100) {
  let t = 0;
  const out = { text: '', isTTY, columns: 80, write: (s: string) => void (out.text += s) };
  const p = new Progress(out, { totalMacs, steps, now: () => t, timer: false });
  const at = (ms: number) => {
    t = ms;
    p.tick();
  };
  return { out, p, at, set: (ms: number) => void (t = ms) };
}

test('formatDuration', () => {
  assert.equal(formatDuration(400), '0 s');
  assert.equal(formatDuration(59_400), '59 s');
  assert.equal(formatDuration(125_000), '2 min 05 s');
  assert.equal(formatDuration(3_725_000), '1 h 02 min');
});

test('a run under a second prints nothing', () => {
  for (const tty of [false, true]) {
    const { out, p, at } = setup(tty, 1);
    p.phase('loading the model');
    at(300);
    p.step('a.png');
    at(900);
    p.stepDone(100);
    p.stop();
    assert.equal(out.text, '', `tty ${tty}`);
  }
});

test('off a TTY, one image: a line after the first second, then every ten seconds', () => {
  const { out, p, at } = setup(false, 1);
  p.phase('a.png: compiling the GPU kernels');
  at(1000);
  at(5000);
  p.step('a.png');
  at(10_999);
  at(11_000);
  at(21_000);
  p.stepDone(100);
  p.stop();
  assert.deepEqual(out.text.split('\n').filter(Boolean), [
    'cugan: a.png: compiling the GPU kernels; 1 s elapsed',
    'cugan: a.png; 11 s elapsed',
    'cugan: a.png; 21 s elapsed',
  ]);
});

test('off a TTY, several steps: a line per step, time left from the measured rate (compile time left out)', () => {
  const { out, p, at, set } = setup(false, 3, 300);
  p.phase('compiling the GPU kernels');
  set(50_000); // a long compile: not work
  p.step('image 1/3 a.png');
  set(52_000);
  p.stepDone(100); // 100 MAC in 2 s
  p.step('image 2/3 b.png');
  set(53_000);
  assert.equal(p.timeLeft(), 3000); // 200 MAC left at 50 MAC/s, 1 s of this step already run
  p.stepDone(100);
  p.step('image 3/3 c.png');
  at(53_000); // no heartbeat: a step line was just printed
  const want = ['cugan: image 1/3 a.png; 50 s elapsed', 'cugan: image 2/3 b.png; 52 s elapsed, about 4 s left', 'cugan: image 3/3 c.png; 53 s elapsed, about 2 s left'];
  assert.equal(out.text, want.map((l) => `${l}\n`).join(''));
});

test('on a TTY: one line, redrawn, cleared at the end', () => {
  const { out, p, at } = setup(true, 8);
  p.step('TTA pass 1/8');
  at(1000);
  at(2000);
  p.stepDone(10); // 10 of 100 MAC in 2 s: 18 s left
  p.step('TTA pass 2/8');
  p.clear();
  out.write('cugan: a message\n');
  at(3000);
  p.stop();
  assert.equal(out.text.split('\n').length, 2, 'one newline: the message');
  assert.ok(out.text.startsWith('\r\x1b[Kcugan: TTA pass 1/8; 1 s elapsed\r\x1b[Kcugan: TTA pass 1/8; 2 s elapsed'), JSON.stringify(out.text));
  assert.match(out.text, /\r\x1b\[Kcugan: TTA pass 2\/8; 2 s elapsed, about 18 s left\r\x1b\[Kcugan: a message\n\r\x1b\[Kcugan: TTA pass 2\/8; 3 s elapsed, about 17 s left\r\x1b\[K$/);
});

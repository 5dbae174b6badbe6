/**
 * Preloaded into the server under test (`NODE_OPTIONS=--import <this file>`) to profile one phase
 * of a benchmark: the first SIGUSR2 starts V8's sampling CPU profiler on the main thread, the next
 * one stops it and writes `<pid>-<n>.cpuprofile` into $QUIVER_BENCH_PROFILE_DIR. Plain
 * JavaScript because it loads before the TypeScript loader; `--cpu-prof` itself is not accepted
 * in NODE_OPTIONS.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** Installs the SIGUSR2 toggle; does nothing without a profile directory or off the main thread. */
function installProfilerToggle(dir) {
  if (!dir || !isMainThread) return;
  const session = new Session();
  session.connect();
  let running = false;
  let written = 0;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => {
        session.post('Profiler.setSamplingInterval', { interval: 250 }, () => session.post('Profiler.start'));
      });
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) {
        process.stderr.write(`profiler: ${err.message}\n`);
        return;
      }
      const file = join(dir, `${process.pid}-${++written}.cpuprofile`);
      // Written under another name first: readers wait for the final one.
      writeFileSync(`${file}.partial`, JSON.stringify(result.profile));
      renameSync(`${file}.partial`, file);
    });
  });
}

installProfilerToggle(process.env.QUIVER_BENCH_PROFILE_DIR);

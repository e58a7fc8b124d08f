import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ImportJobRef, ImportQueue } from '../../domain/training/import-job';

/**
 * Stands in for SQS and its Lambda event source on this machine. Each delivery runs the real
 * worker (functions/jobs/import-worker.ts) in a child process of its own, as a Lambda
 * invocation is its own runtime, so a worker can really be killed part-way. SQS's rules are
 * kept: a message that is not acknowledged (the worker asked for a retry, failed or was killed)
 * becomes visible again after the visibility timeout, and after `maxReceives` deliveries it is
 * moved to the dead letters.
 */
const WORKER = fileURLToPath(new URL('./import-worker-process.ts', import.meta.url));

interface Message {
  job: ImportJobRef;
  receives: number;
  visibleAt: number;
}

export interface LocalImportQueue extends ImportQueue {
  /** Resolves once no message is waiting or being worked on (dead letters excepted). */
  idle(): Promise<void>;
  /** Kills every worker process under way (SIGKILL: no cleanup, as a crash). */
  killWorkers(): number;
  /** How many worker processes have started. */
  readonly deliveries: number;
  readonly deadLetters: ImportJobRef[];
  stop(): void;
}

export function startLocalImportQueue(
  options: { visibilityMs?: number; maxReceives?: number; concurrency?: number; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; log?: (line: string) => void } = {},
): LocalImportQueue {
  const visibilityMs = options.visibilityMs ?? 10_000;
  const maxReceives = options.maxReceives ?? 5;
  const concurrency = options.concurrency ?? 2;
  const waiting: Message[] = [];
  const running = new Map<ChildProcess, Message>();
  const deadLetters: ImportJobRef[] = [];
  let deliveries = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const idlers: (() => void)[] = [];

  function settle() {
    if (waiting.length === 0 && running.size === 0) for (const resolve of idlers.splice(0)) resolve();
  }

  function schedule() {
    if (stopped) return;
    clearTimeout(timer);
    const next = Math.min(...waiting.map((m) => m.visibleAt));
    if (Number.isFinite(next)) timer = setTimeout(pump, Math.max(0, next - Date.now()));
    timer?.unref();
  }

  function deliver(message: Message) {
    message.receives++;
    deliveries++;
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', WORKER, JSON.stringify(message.job), String(message.receives)], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    running.set(child, message);
    child.on('exit', (code) => {
      running.delete(child);
      if (code !== 0) {
        // Not acknowledged: visible again after the visibility timeout, or dead-lettered.
        if (message.receives >= maxReceives) {
          deadLetters.push(message.job);
          options.log?.(`import ${message.job.importId}: moved to the dead letters after ${message.receives} deliveries`);
        } else {
          message.visibleAt = Date.now() + visibilityMs;
          waiting.push(message);
        }
      }
      pump();
      settle();
    });
  }

  function pump() {
    if (stopped) return;
    const now = Date.now();
    while (running.size < concurrency) {
      const i = waiting.findIndex((m) => m.visibleAt <= now);
      if (i < 0) break;
      deliver(waiting.splice(i, 1)[0]);
    }
    schedule();
  }

  return {
    async enqueue(job) {
      waiting.push({ job, receives: 0, visibleAt: Date.now() });
      pump();
    },
    idle: () => new Promise<void>((resolve) => {
      idlers.push(resolve);
      settle();
    }),
    killWorkers() {
      const children = [...running.keys()];
      for (const child of children) child.kill('SIGKILL');
      return children.length;
    },
    get deliveries() {
      return deliveries;
    },
    deadLetters,
    stop() {
      stopped = true;
      clearTimeout(timer);
      for (const child of running.keys()) child.kill('SIGKILL');
    },
  };
}

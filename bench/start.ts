import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../infra/local/dynamodb';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface StartTrial {
  /** Since `npm start` began (its web-build check included), as the ready line prints it. */
  sinceNpmStartS: number;
  readyS: number;
  dynamoS: number;
  demoS: number;
  demoFrom: string;
  summariesS: number;
}

/**
 * `npm start` as a developer runs it, `trials` times in a row: each run is started with npm, waited
 * for until its ready line, then stopped with Ctrl-C (SIGINT) and waited for. The figures are the
 * ready line's own (the process measures itself; the npm figure from /proc, see infra/local/start.ts).
 * The first trial of a day, or after a code change, seeds and saves the snapshot; later ones load it.
 */
export async function benchStart(trials = 3): Promise<StartTrial[]> {
  const out: StartTrial[] = [];
  for (let i = 0; i < trials; i++) {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()) };
    for (const name of ['TABLE_NAME', 'DYNAMODB_ENDPOINT', 'DYNAMODB_PORT', 'USER_POOL_ID', 'POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL', 'STS_ENDPOINT', 'TENANT_ROLE_ARN']) delete env[name];
    const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let text = '';
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const m = /^.*ready in .*$/m.exec(text);
        if (m) resolve(m[0]);
      });
      void exited.then(() => reject(new Error(`npm start exited before it was ready:\n${text}`)));
    });
    child.kill('SIGINT');
    await exited;
    const s = (re: RegExp) => Number(re.exec(line)?.[1] ?? Number.NaN);
    out.push({
      readyS: s(/ready in ([\d.]+) s/),
      dynamoS: s(/DynamoDB Local ([\d.]+) s/),
      demoS: s(/(?:snapshot|seed) ([\d.]+) s/),
      demoFrom: /snapshot/.test(line) ? 'snapshot' : 'seed',
      summariesS: s(/summaries ([\d.]+) s/),
      sinceNpmStartS: s(/; ([\d.]+) s since npm start/),
    });
  }
  return out;
}

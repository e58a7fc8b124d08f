import type { WebConfig } from '../../infra/web-app';

export type { WebConfig };

/**
 * The environment this build runs in, read once at start from config.json beside index.html
 * (written by the CDK stack in AWS, answered by the local server for `npm start`).
 */
export async function loadConfig(): Promise<WebConfig> {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The app's configuration could not be loaded (${response.status}).`);
  return (await response.json()) as WebConfig;
}

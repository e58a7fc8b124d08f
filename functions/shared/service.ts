/** The service name every function logs, traces and counts under (infra/constructs/api-function.ts sets the same). */
export const SERVICE_NAME = 'prevent-compliance';

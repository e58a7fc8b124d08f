import type { ComponentType } from 'react';

/** A route's page, loaded on demand: one chunk per page, so the first load carries the shell only. */
export const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({ Component: (await load()).default });

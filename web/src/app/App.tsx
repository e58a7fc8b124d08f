import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from '../api/client';
import { ServicesContext, type AppServices } from './context';
import { routes } from './routes';

/** Reads retry network failures and 503s, never a 4xx: those will not change by retrying. */
function retry(count: number, error: unknown) {
  const status = error instanceof ApiError ? error.status : 0;
  return count < 2 && (status === 0 || status === 503);
}

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry, staleTime: 30_000, refetchOnWindowFocus: false }, mutations: { retry: false } },
    mutationCache: new MutationCache(),
  });
}

export function App({ services, queryClient }: { services: AppServices; queryClient: QueryClient }) {
  const router = createBrowserRouter(routes, { basename: import.meta.env.BASE_URL.replace(/\/$/, '') });
  return (
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ServicesContext.Provider>
  );
}

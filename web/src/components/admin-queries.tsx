import { useQuery } from '@tanstack/react-query';
import { call } from '../api/client';
import { useApi } from '../app/context';

/** The statement deadline of a reporting year (dueOn null until the steering group sets one). */
export function useDeadline(year: string) {
  const api = useApi();
  return useQuery({ queryKey: ['statement-deadline', year], queryFn: () => call(api.GET('/statement-deadlines/{year}', { params: { path: { year } } })) });
}

import { createContext, useContext } from 'react';
import type { Api } from '../api/client';
import type { Auth } from '../auth/auth';
import type { WebConfig } from '../config';

export interface AppServices {
  api: Api;
  auth: Auth;
  config: WebConfig;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside <ServicesContext>');
  return services;
}

export const useApi = () => useServices().api;

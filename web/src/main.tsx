import { createRoot } from 'react-dom/client';
import { createApi } from './api/client';
import { App, createQueryClient } from './app/App';
import { createAuth } from './auth/auth';
import { loadConfig } from './config';
import './styles.scss';
import './moj.scss';

async function start() {
  document.body.classList.add('js-enabled', 'govuk-frontend-supported');
  const root = document.getElementById('root')!;
  try {
    const config = await loadConfig();
    const auth = await createAuth(config);
    const queryClient = createQueryClient();
    const api = createApi({
      baseUrl: config.apiUrl,
      auth,
      // The token was refused (expired, or revoked): forget it and sign in again, back to this page.
      onUnauthorized: () => {
        void auth.forget().then(() => auth.signIn(`${window.location.pathname}${window.location.search}`));
      },
    });
    createRoot(root).render(<App services={{ api, auth, config }} queryClient={queryClient} />);
  } catch (error) {
    root.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'govuk-body';
    p.textContent = `The service could not start: ${(error as Error).message}. Try again in a moment.`;
    root.append(p);
  }
}

void start();

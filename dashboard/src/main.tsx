import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { AppProviders } from './app/providers';
import { registerServiceWorker } from './features/offline/lib/register-service-worker';
import { effectiveTheme } from './features/theme/lib/theme';
import './styles.css';

document.documentElement.dataset.theme = effectiveTheme(); // before the first paint: no flash of the wrong theme
registerServiceWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProviders>
      <App />
    </AppProviders>
  </StrictMode>,
);

import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { AppProviders } from '@/app/providers';
import { LiveSocket } from '@/lib/live-socket';
import { socketHarness } from './fake-socket';

/** Renders with the app's providers and a live socket whose server the test plays. */
export function renderWithApp(ui: ReactElement) {
  const harness = socketHarness();
  const socket = new LiveSocket('ws://pulse.test/v1/stream', harness.options);
  return { ...render(<AppProviders socket={socket}>{ui}</AppProviders>), harness, socket };
}

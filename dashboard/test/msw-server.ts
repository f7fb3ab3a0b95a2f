/** The API as the component tests see it: msw intercepts requests at the network layer; tests add handlers. */
import { setupServer } from 'msw/node';

export const server = setupServer();

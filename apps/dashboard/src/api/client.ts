import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { connection } from './connection.js';
import { saveSession, type Session } from './session.js';

/** A ping every few seconds; no pong within this time means the network is gone even if the socket says open. */
const PING_MS = 5_000;
const PONG_TIMEOUT_MS = 4_000;

function wsUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * One WebSocket for every live view, opened at sign-in and kept open (not lazy) so a lost network shows at once,
 * retried for ever with capped back-off: the on-call person's screen must come back by itself.
 */
function liveSocket(session: Session): WsClient {
  let socket: WebSocket | undefined;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  return createWsClient({
    url: wsUrl(),
    lazy: false,
    keepAlive: PING_MS,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5_000))),
    connectionParams: () => ({ authorization: `Bearer ${session.token}` }),
    on: {
      connected: (s) => {
        socket = s as WebSocket;
        connection.connected();
      },
      closed: () => connection.lost(),
      error: () => connection.lost(),
      ping: (received) => {
        if (received) return;
        pongTimer = setTimeout(() => {
          if (socket?.readyState === WebSocket.OPEN) socket.close(4408, 'pong timeout');
        }, PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });
}

export interface ApiClient {
  urql: Client;
  close(): void;
}

/** The GraphQL client of a signed-in session: HTTP for queries and mutations, the socket for subscriptions. */
export function createApiClient(session: Session): ApiClient {
  connection.reset();
  const ws = liveSocket(session);
  const urql = new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    // POST only: Apollo's CSRF protection refuses GET queries without a preflight header.
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${session.token}` } }),
    exchanges: [
      // An expired or revoked session: back to the sign-in page rather than a screen of errors.
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => (e.extensions as { code?: string } | undefined)?.code === 'UNAUTHENTICATED')) saveSession(null);
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return { urql, close: () => void ws.dispose() };
}

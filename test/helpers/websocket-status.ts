/** What a WebSocket upgrade to `url` gets: 101 when it opens, else the HTTP status it was refused with (-1: no answer). */
import WebSocket from 'ws';

export function websocketUpgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise<number>((resolve) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', () => resolve(-1));
  });
}

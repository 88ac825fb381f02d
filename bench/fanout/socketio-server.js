// The peer a user would pick instead of Pulse's live stream: a Socket.IO 4.8 server that fans
// Redis publications out to rooms, one room per tenant and series.
//
//   node socketio-server.js --port 18091 --redis-uri redis://127.0.0.1:6379 --channel-prefix fanout
//
// Redis messages on PREFIX:* are JSON {"tenant", "series", "value"}; each goes to the room
// tenant/series as a `delta` event {series, value}.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '18091' },
    'redis-uri': { type: 'string', default: 'redis://127.0.0.1:6379' },
    'channel-prefix': { type: 'string', default: 'fanout' },
  },
});

const httpServer = createServer();
// WebSocket only and no compression: the same wire as Pulse's stream, so the comparison is of servers.
const io = new Server(httpServer, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });

io.use((socket, next) => {
  const tenant = socket.handshake.auth?.tenant;
  if (typeof tenant !== 'string' || tenant === '') {
    next(new Error('auth.tenant must be a non-empty string'));
    return;
  }
  socket.data.tenant = tenant;
  next();
});

io.on('connection', (socket) => {
  socket.on('subscribe', (message, ack) => {
    socket.join(socket.data.tenant + '/' + message?.series);
    if (typeof ack === 'function') {
      ack({ type: 'snapshot', sub: message?.sub });
    }
  });
});

const redis = new Redis(args['redis-uri']);
redis.on('error', (e) => console.error('redis: ' + e.message));
redis.on('pmessage', (_pattern, _channel, text) => {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    console.error('ignored a message that is not JSON: ' + text.slice(0, 200));
    return;
  }
  io.to(message.tenant + '/' + message.series).emit('delta', { series: message.series, value: message.value });
});

// Subscribed before listening, so nothing published after the listening line is missed.
await redis.psubscribe(args['channel-prefix'] + ':*');

httpServer.listen(Number(args.port), () => {
  process.stdout.write(JSON.stringify({ event: 'listening', port: httpServer.address().port, pid: process.pid }) + '\n');
});

function stop() {
  redis.disconnect();
  io.close(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// UDP listener: one socket per configured address, each datagram answered
// synchronously from memory.
import dgram from 'node:dgram';
import net from 'node:net';
import type { ListenAddress } from '../config/env';
import { handleMessage, type HandlerContext } from './handler';

export function listenUdp(ctx: HandlerContext, at: ListenAddress): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: net.isIPv6(at.address) ? 'udp6' : 'udp4', ipv6Only: net.isIPv6(at.address) });
  socket.on('message', (msg, rinfo) => {
    const reply = handleMessage(ctx, msg, 'udp', { address: rinfo.address, port: rinfo.port });
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  socket.on('error', (err) => ctx.log.error({ err: err.message }, 'UDP socket error'));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(at.port, at.address, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

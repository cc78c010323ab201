// A scripted secondary for NOTIFY tests: a UDP socket on loopback that
// records every NOTIFY it receives and answers as told (acknowledge, refuse,
// or stay silent).
import dgram from 'node:dgram';
import { decodeMessage, encodeMessage, newResponse, OPCODE, RCODE, type Message } from '../dns/wire';

export type Reply = 'ack' | 'refuse' | 'silent';

export interface FakeSecondary {
  port: number;
  target: string;
  received: { at: number; msg: Message; from: string }[];
  /** Replies for the next NOTIFYs, in order; after the list runs out: `then`. */
  script: Reply[];
  then: Reply;
  close(): Promise<void>;
}

export async function startFakeSecondary(then: Reply = 'ack', script: Reply[] = []): Promise<FakeSecondary> {
  const socket = dgram.createSocket('udp4');
  const fake: FakeSecondary = {
    port: 0,
    target: '',
    received: [],
    script,
    then,
    close: () => new Promise((r) => socket.close(() => r())),
  };
  socket.on('message', (buf, rinfo) => {
    let msg: Message;
    try {
      msg = decodeMessage(buf);
    } catch {
      return;
    }
    if (msg.opcode !== OPCODE.NOTIFY || msg.qr) return;
    fake.received.push({ at: Date.now(), msg, from: rinfo.address });
    const reply = fake.script.shift() ?? fake.then;
    if (reply === 'silent') return;
    const res = newResponse(msg);
    res.aa = true;
    res.rcode = reply === 'ack' ? RCODE.NOERROR : RCODE.REFUSED;
    socket.send(encodeMessage(res).buf, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  fake.port = socket.address().port;
  fake.target = `127.0.0.1:${fake.port}`;
  return fake;
}

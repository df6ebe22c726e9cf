import dns2 from 'dns2';

/** What the zone answers for a name under it (`www`, `web-a`): an address, a CNAME, or nothing (NXDOMAIN). */
export type DemoZoneAnswer = (host: string) => { a: string } | { cname: string } | undefined;

// dns2's server type declarations are loose; the calls below are its documented API (as in the DNS probe's tests).
interface DnsServer {
  listen(options: unknown): Promise<void>;
  close(): void;
  addresses(): { udp?: { port: number } };
}
interface Question {
  name: string;
}

/** The demo's DNS server (dns2), on UDP: the demo zone only, refused (REFUSED) for any other name. */
export async function listenDns(port: number, zone: string, answer: DemoZoneAnswer): Promise<{ port: number; close(): Promise<void> }> {
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request: { questions: Question[] }, send: (response: unknown) => void) => {
      const response = Packet.createResponseFromRequest(request as never) as { header: { rcode: number; aa: number }; answers: unknown[] };
      const name = (request.questions[0]?.name ?? '').toLowerCase().replace(/\.$/, '');
      if (name !== zone && !name.endsWith(`.${zone}`)) response.header.rcode = 5;
      else {
        const found = answer(name.slice(0, -zone.length - 1));
        response.header.aa = 1;
        if (!found) response.header.rcode = 3;
        else if ('a' in found) response.answers.push({ name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address: found.a });
        else response.answers.push({ name, type: Packet.TYPE.CNAME, class: Packet.CLASS.IN, ttl: 60, domain: found.cname });
      }
      send(response);
    },
  } as never) as unknown as DnsServer;
  await server.listen({ udp: { port, address: '127.0.0.1' } });
  return {
    port: server.addresses().udp!.port,
    close: async () => server.close(),
  };
}

import selfsigned from 'selfsigned';

/** A self-signed certificate for 127.0.0.1/localhost that expires after `days`. */
export async function selfSignedCert(days: number): Promise<{ key: string; cert: string }> {
  const notAfterDate = new Date(Date.now() + days * 86_400_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  } as never);
  return { key: pems.private, cert: pems.cert };
}

// The floor: a bare Node HTTP server answering each request body with the bytes skewless returns for it
// (argv[2]: a JSON file mapping request body → response body), read whole before answering.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const bodies = new Map(Object.entries(JSON.parse(readFileSync(process.argv[2], 'utf8'))).map(([k, v]) => [k, Buffer.from(v)]));
const empty = Buffer.from('{}');
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = bodies.get(Buffer.concat(chunks).toString('utf8')) ?? empty;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)) && server.closeAllConnections());

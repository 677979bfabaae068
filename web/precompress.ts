/**
 * A Vite plugin that writes a Brotli (`.br`) and a gzip (`.gz`) copy of each text file of the
 * console build, so the server sends the compressed copy the browser accepts (`@fastify/static`
 * `preCompressed`) without compressing on every request. The 1 MB script becomes about a quarter
 * of that on the wire.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const TEXT = /\.(js|css|html|svg|json|txt)$/;
const MIN_BYTES = 1024;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

export function precompress(outDir: string): Plugin {
  return {
    name: 'mailroute-precompress',
    apply: 'build',
    closeBundle() {
      for (const path of files(outDir)) {
        if (!TEXT.test(path) || statSync(path).size < MIN_BYTES) continue;
        const body = readFileSync(path);
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

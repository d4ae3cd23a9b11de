import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderCdaPdfA } from '../shared/domain/pdf/render';
import { n3Cda, oneSection } from '../lab/fixtures/cda-n3';
import { latencyStats } from './stats';

/**
 * PDF/A-1b copies of CDA N3 documents (shared/domain/pdf/render.ts), as the compose window makes
 * them: `first` is the first render of the process (fonts parsed, code cold), then a typical
 * letter (the rich fixture, one page) and a long report (600 paragraphs, ~25 pages), each
 * rendered several times warm.
 */
export async function benchPdfa(runs = 8): Promise<Record<string, unknown>> {
  const dir = path.resolve(import.meta.dirname ?? '', '../node_modules/dejavu-fonts-ttf/ttf');
  const fonts = {
    regular: new Uint8Array(readFileSync(path.join(dir, 'DejaVuSans.ttf'))),
    bold: new Uint8Array(readFileSync(path.join(dir, 'DejaVuSans-Bold.ttf'))),
  };
  const enc = new TextEncoder();
  const letter = enc.encode(n3Cda());
  const long = enc.encode(
    n3Cda({
      body: oneSection(
        Array.from(
          { length: 600 },
          (_, i) =>
            `<paragraph>Paragraphe ${i + 1} : surveillance tensionnelle à domicile, évolution satisfaisante ; aucune modification thérapeutique n’est nécessaire à ce stade.</paragraph>`,
        ).join(''),
      ),
    }),
  );
  const time = async (cda: Uint8Array) => {
    const t = performance.now();
    const pdf = await renderCdaPdfA(cda, { fonts, now: new Date() });
    return { ms: performance.now() - t, bytes: pdf.length };
  };
  const first = await time(letter);
  const series = async (cda: Uint8Array) => {
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const r = await time(cda);
      samples.push(r.ms);
      bytes = r.bytes;
    }
    return { cdaBytes: cda.length, pdfBytes: bytes, ...latencyStats(samples) };
  };
  return {
    firstMs: +first.ms.toFixed(2),
    letter: await series(letter),
    longReport: await series(long),
  };
}

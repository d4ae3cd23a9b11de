import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderHtml } from './html';
import type { Report } from './report';

/** Where the report goes: <project>/conformance/ (report.json and report.html). */
export function reportDir(root: string): string {
  return path.join(root, 'conformance');
}

/** The report of a previous run, or null when there is none (or it is not a report). */
export function readReportFile(file: string): Report | null {
  if (!existsSync(file)) return null;
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    return Array.isArray(report.rows) && report.summary ? report : null;
  } catch {
    return null;
  }
}

/** Writes report.json and report.html (each through a temporary file, then renamed). */
export function writeReport(dir: string, report: Report): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'report.json');
  const html = path.join(dir, 'report.html');
  writeFileSync(`${json}.tmp`, JSON.stringify(report, null, 2) + '\n');
  renameSync(`${json}.tmp`, json);
  writeFileSync(`${html}.tmp`, renderHtml(report));
  renameSync(`${html}.tmp`, html);
  return { json, html };
}

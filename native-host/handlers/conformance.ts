import type { Params, Result } from '../../shared/protocol/index';
import { loadReportView, reportFiles } from '../conformance/report-view';
import { projectRoot } from '../project-root';
import { stateDir } from '../state-dir';
import type { HostContext } from './context';

function checkout(): string | null {
  try {
    return projectRoot();
  } catch {
    return null; // an installed host without the project around it: the state dir only
  }
}

/** The conformance page's report: the last one the generator wrote (see report-view.ts). */
export async function handleConformanceReport(
  _params: Params<'conformance.report'>,
  _ctx: HostContext,
): Promise<Result<'conformance.report'>> {
  return loadReportView(reportFiles(stateDir(), checkout()));
}

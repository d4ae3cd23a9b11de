import type { ComposeProblem, ComposeWarning } from '../../../shared/domain/mail/compose';
import { errorMessage, isErrorCode, type Locale } from '../../../shared/errors/codes';

/**
 * The sentence of each compose warning is an add-on message (extension/_locales/<lang>/
 * messages.json), keyed by the closed warning type; blocking problems are error codes, whose
 * sentences are in shared/errors/codes.ts. French is the add-on's default locale.
 */
export const WARNING_MESSAGES: Readonly<Record<ComposeWarning, string>> = {
  'subject-replaced': 'composeWarningSubjectReplaced',
  'subject-kept': 'composeWarningSubjectKept',
  'pdf-name': 'composeWarningPdfName',
  'pdf-foreign': 'composeWarningPdfForeign',
  'from-label': 'composeWarningFromLabel',
  'fin-without-patient': 'composeWarningFinWithoutPatient',
  'html-made-alternative': 'composeWarningHtmlMadeAlternative',
};

/** browser.i18n.getMessage, or a test's stand-in: '' when the message does not exist. */
export type GetMessage = (name: string) => string;

export interface ProblemWords {
  readonly locale: Locale;
  readonly getMessage: GetMessage;
}

const isWarning = (code: string): code is ComposeWarning => Object.hasOwn(WARNING_MESSAGES, code);

/** The sentence the panel and the refusal notice show for a problem code. */
export function problemText(code: ComposeProblem['code'], words: ProblemWords): string {
  if (isErrorCode(code)) return errorMessage(code, words.locale);
  if (isWarning(code)) return words.getMessage(WARNING_MESSAGES[code]) || code;
  return code;
}

/** The problem's sentence with its detail, as the panel lists it. */
export function problemLine(problem: ComposeProblem, words: ProblemWords): string {
  return problemText(problem.code, words) + (problem.detail ? ` (${problem.detail})` : '');
}

/** ECO.2.1.1 and the other refusals: each blocking problem's sentence and code. */
export function refusalLines(problems: readonly ComposeProblem[], words: ProblemWords): string[] {
  return problems.filter((p) => p.blocking).map((p) => `${problemText(p.code, words)} [${p.code}]`);
}

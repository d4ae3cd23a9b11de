import type {
  PanelMessageType,
  PanelRequest,
} from '../../../../shared/protocol/compose-panel/index';
import { type Handler, handleAttach, type Panel } from './panel';
import { handleAddPatient, handleConfirmNir, handleResolveConflict } from './patients';
import { handleAttachEmbedded, handleAttachPdfA, handleRenamePdf } from './pdf';
import { handleSaveDefaults, handleToggle } from './receipts';
import { handleFixLabel, handleSetAppContact, handleSetNil } from './sender';

export type { Panel } from './panel';

/** One handler per panel message type; the mapped type makes a missing handler a compile error. */
export const PANEL_HANDLERS: { [K in PanelMessageType]: Handler<K> } = {
  'panel.attach': handleAttach,
  'receipts.toggle': handleToggle,
  'receipts.saveDefaults': handleSaveDefaults,
  'patient.add': handleAddPatient,
  'patient.confirmNir': handleConfirmNir,
  'patient.resolveConflict': handleResolveConflict,
  'pdf.rename': handleRenamePdf,
  'pdf.attachEmbedded': handleAttachEmbedded,
  'pdf.attachPdfA': handleAttachPdfA,
  'sender.fixLabel': handleFixLabel,
  'sender.setNil': handleSetNil,
  'sender.setAppContact': handleSetAppContact,
};

export function handlePanelRequest(request: PanelRequest, panel: Panel): Promise<unknown> {
  const handler = PANEL_HANDLERS[request.type] as Handler<PanelMessageType>;
  return handler(request.params as never, panel);
}

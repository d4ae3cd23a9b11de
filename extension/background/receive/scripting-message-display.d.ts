// scripting.messageDisplay (Thunderbird MV3), missing from the installed typings.
declare namespace browser.scripting.messageDisplay {
  interface MessageDisplayScript {
    id: string;
    js?: string[];
    css?: string[];
    runAt?: 'document_start' | 'document_end' | 'document_idle';
  }
  function getRegisteredScripts(filter?: { ids?: string[] }): Promise<MessageDisplayScript[]>;
  function registerScripts(scripts: MessageDisplayScript[]): Promise<void>;
}

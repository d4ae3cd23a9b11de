/* global ExtensionAPI, Services, Cc, Ci */
'use strict';

// Thin plumbing only (see README.md): the file picker, and the path of what the user chose.
this.mssanteFiles = class extends ExtensionAPI {
  getAPI() {
    return {
      mssanteFiles: {
        pickFile(title, filters) {
          const win = Services.wm.getMostRecentWindow(null);
          const picker = Cc['@mozilla.org/filepicker;1'].createInstance(Ci.nsIFilePicker);
          picker.init(win.browsingContext, title, Ci.nsIFilePicker.modeOpen);
          for (const { title: name, pattern } of filters) picker.appendFilter(name, pattern);
          picker.appendFilters(Ci.nsIFilePicker.filterAll);
          return new Promise((resolve) =>
            picker.open((result) =>
              resolve(
                result === Ci.nsIFilePicker.returnOK && picker.file ? picker.file.path : null,
              ),
            ),
          );
        },
      },
    };
  }
};

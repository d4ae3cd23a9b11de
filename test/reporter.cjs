'use strict';
// Mocha reporter for the test contract: mocha's spec output (and summary) on stdout, plus mocha's
// own JSON reporter written to the file named by --reporter-option output=<file>.
const Mocha = require('mocha');

class SpecAndJson extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const output = options && options.reporterOption && options.reporterOption.output;
    if (output) new Mocha.reporters.JSON(runner, { reporterOption: { output } });
  }
}

module.exports = SpecAndJson;

import assert from 'node:assert/strict';
import { applyThemeColors } from '../../../extension/ui/lib/theme-colors';

/** A page root that records the custom properties set on it. */
function fakeRoot() {
  const props = new Map<string, string>();
  const root = {
    style: {
      setProperty: (name: string, value: string) => void props.set(name, value),
      removeProperty: (name: string) => void props.delete(name),
    },
  };
  return { root, props };
}

describe('extension: the pages take Thunderbird theme colours only as background/text pairs', function () {
  it('sets a pair the theme gives (strings and RGB arrays), leaves a half pair and odd values out', function () {
    const { root, props } = fakeRoot();
    applyThemeColors(
      {
        popup: '#1c1b22',
        popup_text: [251, 251, 254],
        popup_highlight: 'rgb(0, 221, 255)', // its text colour missing: not used
        toolbar_field: 'url(https://example.test/x.png)', // not a colour: not used
        toolbar_field_text: '#fff',
      },
      root,
    );
    assert.deepEqual(Object.fromEntries(props), {
      '--mss-bg': '#1c1b22',
      '--mss-text': 'rgb(251, 251, 254)',
    });
  });

  it('takes the colours back when the theme gives none (the default theme)', function () {
    const { root, props } = fakeRoot();
    applyThemeColors({ popup: '#000', popup_text: '#fff' }, root);
    applyThemeColors(null, root);
    assert.deepEqual([...props.keys()], []);
  });
});

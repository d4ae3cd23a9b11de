// The banner's own styles, inside its closed shadow root (issue 19.10): the message's CSS cannot
// reach them, and they cannot touch the message.
export const BANNER_CSS = `
.mss-banner {
  color-scheme: light dark;
  font:
    13px/1.4 system-ui,
    sans-serif;
  margin: 8px 8px 4px;
  padding: 8px 12px;
  border: 1px solid #9bb8d8;
  border-left: 6px solid #1f5fa8;
  border-radius: 4px;
  background: #eef4fb;
  color: #111;
}
.mss-row + .mss-row {
  margin-top: 6px;
  padding-top: 6px;
  border-top: 1px solid #c9d8ea;
}
.mss-patient {
  border-left: 4px solid #1b7f3b;
  padding-left: 6px;
}
.mss-field {
  margin-left: 12px;
}
.mss-label {
  color: #444;
}
.mss-value {
  font-weight: 600;
}
.mss-ins-status {
  margin-left: 12px;
  font-style: italic;
}
.mss-ins-status[data-qualified='false'] {
  color: #8a4b00;
}
.mss-documents {
  margin: 4px 0;
  padding-left: 20px;
}
.mss-warning,
.mss-failed {
  color: #7a1410;
}
.mss-warning {
  border-left: 4px solid #b3261e;
  padding-left: 6px;
  background: #fbeceb;
}
.mss-banner button {
  font: inherit;
  margin-left: 6px;
}
.mss-subject {
  font-weight: 600;
}
.mss-banner button:focus-visible {
  outline: 2px solid #0061e0;
  outline-offset: 2px;
}
@media (prefers-color-scheme: dark) {
  .mss-banner {
    border-color: #3d6a99;
    border-left-color: #80b8ff;
    background: #1f2a36;
    color: #fbfbfe;
  }
  .mss-row + .mss-row {
    border-top-color: #3d4f63;
  }
  .mss-patient {
    border-left-color: #54ffbd;
  }
  .mss-label {
    color: #cfcfd8;
  }
  .mss-ins-status[data-qualified='false'] {
    color: #ffbd4f;
  }
  .mss-warning,
  .mss-failed {
    color: #ff9aa2;
  }
  .mss-warning {
    border-left-color: #ff9aa2;
    background: #3b1c22;
  }
  .mss-banner button:focus-visible {
    outline-color: #00ddff;
  }
}
`;

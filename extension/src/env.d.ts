// The extension's code runs with the chrome.* extension APIs (types from @types/chrome).
/// <reference types="chrome" />

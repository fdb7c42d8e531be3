"""Browser tests: headless Debian Chromium through Selenium (docs/editor.md)."""

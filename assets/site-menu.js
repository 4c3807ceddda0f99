/*
 * The header's menu on a narrow screen (app.py's shell): the "Meny" button opens and closes the
 * navigation, the presentation toggle and the account, which show below the header's one line
 * while the button's aria-expanded is "true" (assets/style.css). Where the menu fits (wider
 * screens) the button is hidden and the menu always shows.
 *
 * A native button, so Enter, Space, a tap and a click all work; Escape closes the menu and puts
 * the focus back on the button; choosing a page in the menu, or tapping outside it, closes it.
 * Listeners on the document, so that they hold however often Dash draws the header.
 */
(function () {
  'use strict';

  var BUTTON_ID = 'site-menu-button';
  var MENU_ID = 'site-menu';

  function menuButton() {
    return document.getElementById(BUTTON_ID);
  }

  function isOpen() {
    var button = menuButton();
    return button !== null && button.getAttribute('aria-expanded') === 'true';
  }

  function setOpen(open) {
    var button = menuButton();
    if (button === null) return;
    var value = open ? 'true' : 'false';
    if (button.getAttribute('aria-expanded') !== value) button.setAttribute('aria-expanded', value);
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest('#' + BUTTON_ID)) {
      setOpen(!isOpen());
      return;
    }
    if (!isOpen()) return;
    var inMenu = target.closest('#' + MENU_ID);
    // A page chosen (a link) closes the menu; so does a tap anywhere outside it.
    if (!inMenu || target.closest('a')) setOpen(false);
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape' || !isOpen()) return;
    setOpen(false);
    var button = menuButton();
    if (button !== null) button.focus();
  });
})();

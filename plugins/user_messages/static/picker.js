// Keyboard use of the recipient pickers ("To user" and "Add participants"). The matches are
// plain buttons, so Tab and Enter work without this file; it adds ArrowDown from the search
// box into the matches, ArrowUp/ArrowDown between them, Escape back to the box, and makes
// Enter in the box search at once instead of submitting the form.
(function () {
  "use strict";

  function matchesOf(box) {
    var list = document.getElementById(box.getAttribute("data-picker-hits"));
    return list ? Array.prototype.slice.call(list.querySelectorAll("button")) : [];
  }

  function boxOf(button) {
    var list = button.closest(".hits");
    return list ? document.querySelector('[data-picker-hits="' + list.id + '"]') : null;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    if (target.matches("input[data-picker-hits]")) {
      var found = matchesOf(target);
      if (event.key === "ArrowDown" && found.length) {
        event.preventDefault();
        found[0].focus();
      } else if (event.key === "Enter") {
        event.preventDefault();
        target.dispatchEvent(new Event("search"));
      }
      return;
    }
    var box = target.matches(".hits button") ? boxOf(target) : null;
    if (!box) return;
    var buttons = matchesOf(box);
    var index = buttons.indexOf(target);
    if (event.key === "ArrowDown" && index < buttons.length - 1) {
      event.preventDefault();
      buttons[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (index > 0 ? buttons[index - 1] : box).focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      box.focus();
    }
  });
})();

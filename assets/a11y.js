/*
 * Accessibility repairs for Dash 4's option lists and dropdowns.
 *
 * Dash renders RadioItems/Checklist as role="listbox" whose role="option" labels contain the real
 * radio/checkbox inputs (nested interactive controls, and a listbox without a name), and gives the
 * dropdown's keyboard focus target aria-hidden="true". The native inputs already carry the right
 * semantics, so the list becomes a named radiogroup/group of plain labels, and the dropdown's
 * focus target becomes a named combobox that mirrors the popup's expanded state.
 */
(function () {
  "use strict";

  // Attribute writes only where they change something: an unchanged write still notifies the
  // observer below, which would otherwise repair forever.
  function setAttr(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function removeAttr(el, name) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  }

  function labelTextFor(id) {
    if (!id) return null;
    var label = document.querySelector('label[for="' + CSS.escape(id) + '"]');
    if (!label) return null;
    if (!label.id) label.id = id + "--label";
    return label;
  }

  function repairOptionList(list) {
    var isRadio = list.classList.contains("dash-radioitems");
    setAttr(list, "role", isRadio ? "radiogroup" : "group");
    if (!list.hasAttribute("aria-label") && !list.hasAttribute("aria-labelledby")) {
      var label = labelTextFor(list.id);
      if (label) setAttr(list, "aria-labelledby", label.id);
    }
    list.querySelectorAll(".dash-options-list-option").forEach(function (option) {
      removeAttr(option, "role");
      removeAttr(option, "aria-selected");
    });
  }

  function repairDropdown(wrapper) {
    var target = wrapper.querySelector("input.dash-dropdown-focus-target");
    var button = wrapper.querySelector("button.dash-dropdown");
    if (!target || !button) return;
    removeAttr(target, "aria-hidden");
    setAttr(target, "role", "combobox");
    setAttr(target, "aria-haspopup", "listbox");
    setAttr(target, "aria-expanded", button.getAttribute("aria-expanded") || "false");
    if (!target.hasAttribute("aria-labelledby")) {
      var ids = [];
      var label = labelTextFor(button.id);
      if (label) ids.push(label.id);
      var value = wrapper.querySelector(".dash-dropdown-value");
      if (value && value.id) ids.push(value.id);
      if (ids.length) setAttr(target, "aria-labelledby", ids.join(" "));
    }
  }

  // Radio and checkbox lists only: the dropdown's popup list is a real listbox of options.
  var LISTS = ".dash-options-list.dash-radioitems, .dash-options-list.dash-checklist";

  function repair(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(LISTS)) repairOptionList(root);
    root.querySelectorAll(LISTS).forEach(repairOptionList);
    if (root.matches && root.matches(".dash-dropdown-wrapper")) repairDropdown(root);
    root.querySelectorAll(".dash-dropdown-wrapper").forEach(repairDropdown);
  }

  var scheduled = false;
  function scheduleRepair() {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () {
      scheduled = false;
      repair(document.body);
    });
  }

  function start() {
    repair(document.body);
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        var m = mutations[i];
        if (m.type === "childList" ||
            (m.type === "attributes" && m.target.classList &&
             (m.target.classList.contains("dash-dropdown") ||
              m.target.classList.contains("dash-options-list-option") ||
              m.target.classList.contains("dash-options-list")))) {
          // Repair synchronously where React just re-added an attribute, so that no
          // audit or assistive technology sees the broken state for a frame.
          repair(m.type === "childList" ? m.target : m.target.closest(
            ".dash-dropdown-wrapper, .dash-options-list") || m.target);
          scheduleRepair();
        }
      }
    }).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["role", "aria-selected", "aria-expanded", "aria-hidden"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

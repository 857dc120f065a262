// Passerelle: small progressive enhancements. Every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }

  // A table wider than its frame scrolls inside it: keyboard users must be able to reach the frame to
  // scroll it (WCAG 2.1.1), and screen readers need its name, taken from the table's caption. Checked
  // again when the window changes size, since a table may only overflow on a narrow screen.
  const frameScrollingTables = () => {
    document.querySelectorAll(".table-wrapper").forEach((frame) => {
      if (frame.scrollWidth > frame.clientWidth) {
        const caption = frame.querySelector("caption");
        frame.setAttribute("tabindex", "0");
        frame.setAttribute("role", "region");
        frame.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tableau défilant");
      } else {
        ["tabindex", "role", "aria-label"].forEach((name) => frame.removeAttribute(name));
      }
    });
  };
  frameScrollingTables();
  window.addEventListener("resize", frameScrollingTables);

  // Buttons that ask for confirmation before a destructive action: data-confirm="message".
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});

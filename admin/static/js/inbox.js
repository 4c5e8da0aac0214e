// The inbox list is swapped by htmx; after a claim or release the button pressed is gone, so the
// keyboard focus moves to the message saying what happened instead of falling back to the page top.
document.addEventListener("htmx:afterSwap", (event) => {
  const status = document.querySelector("#inbox-results .inbox-status");
  if (event.detail.requestConfig && event.detail.requestConfig.verb === "post" && status) {
    status.focus();
  }
});

// The list refreshes itself every minute; while an official is filling in the form to reassign
// tasks (a box ticked, a reason typed), that refresh would wipe what they entered, so it waits.
function bulkFormInUse(list) {
  const form = list.querySelector(".leader-bulk form");
  if (!form) {
    return false;
  }
  const ticked = form.querySelector("input[type=checkbox]:checked");
  const typed = Array.from(form.querySelectorAll("textarea, input[type=text]")).some((field) => field.value.trim());
  return Boolean(ticked || typed || form.contains(document.activeElement));
}

document.addEventListener("htmx:beforeRequest", (event) => {
  const list = event.detail.elt;
  if (list.id === "inbox-results" && event.detail.requestConfig.verb === "get" && bulkFormInUse(list)) {
    event.preventDefault();
  }
});

// The inbox list is swapped by htmx; after a claim or release the button pressed is gone, so the
// keyboard focus moves to the message saying what happened instead of falling back to the page top.
document.addEventListener("htmx:afterSwap", (event) => {
  const status = document.querySelector("#inbox-results .inbox-status");
  if (event.detail.requestConfig && event.detail.requestConfig.verb === "post" && status) {
    status.focus();
  }
});

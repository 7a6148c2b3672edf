// Fetches one of the widget's own files (named by web/build.mjs, beside widget.js) and runs
// ready() once it has run. Asked again while it is on its way, nothing more happens; a file
// that could not load (blocked, offline) is fetched again when next asked for.
export const fetchChunk = (name: string, base: string, ready: () => void) => {
  let loading = false;
  return () => {
    if (loading) return;
    loading = true;
    const s = document.createElement('script');
    s.src = new URL(name, base).href;
    s.onload = ready;
    s.onerror = () => {
      loading = false;
      s.remove();
    };
    document.head.append(s);
  };
};

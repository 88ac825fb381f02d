/** Leaving the app for another address (the login, the provider's logout); one seam for tests. */
export const navigation = {
  assign(url: string): void {
    window.location.assign(url);
  },
};

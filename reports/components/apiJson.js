// Reading the API from a page (the monthly review). A failed call must show the API's own
// French message ("erreur" in every 4xx/5xx answer), never a JavaScript exception's text.

/**
 * GET a JSON answer of the API, with the session cookie. Resolves to {donnees} on success,
 * else to {erreur, statut}: the API's French message, or a French sentence of our own when
 * none came back (network down, answer that is not JSON). Never rejects.
 */
export async function apiJson(url, {fetchImpl = globalThis.fetch} = {}) {
  let response;
  try {
    response = await fetchImpl(url, {credentials: "same-origin"});
  } catch {
    return {statut: null, erreur: "Le serveur du tableau de bord n'a pas répondu : vérifiez votre connexion, puis rechargez la page."};
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok && body !== null && typeof body === "object") return {donnees: body};
  if (body && typeof body.erreur === "string") return {statut: response.status, erreur: body.erreur};
  return {
    statut: response.status,
    erreur: `Le serveur a répondu par une erreur (statut ${response.status}) sans message lisible : rechargez la page ; si l'erreur persiste, prévenez l'administrateur.`
  };
}

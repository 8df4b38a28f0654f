// The versions of the information notice given to households at registration
// (GDPR Article 13; the notice itself: notice.html). The ONE place they are
// written: the web till reads them here, and node/CMakeLists.txt reads this
// line at build time for the node (node/notice.h), which refuses any other.
//
// When notice.html changes in substance, add a version at the end (its month,
// "AAAA-MM") and keep the earlier ones: families who received them stay
// recorded with them. The last one is the notice printed and given today.
export const NOTICE_VERSIONS = ['2026-12'];
export const NOTICE_VERSION = NOTICE_VERSIONS[NOTICE_VERSIONS.length - 1];

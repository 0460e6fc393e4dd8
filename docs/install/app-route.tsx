{/* in App.tsx, inside <FlatRoutes> */}
<Route path="/defender-apis" element={<DefenderApisGovernancePage />} />

{/* in Root.tsx, inside <SidebarGroup label="Menu" icon={<MenuIcon />}> */}
<SidebarItem icon={SecurityIcon} to="defender-apis" text="Defender for APIs" />

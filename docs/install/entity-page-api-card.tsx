{/* in apiPage, inside the Overview route's <Grid container> */}
<Grid item md={6} xs={12}>
  <EntityDefenderApisCard />
</Grid>
